package org.browsersocket.swarm.tool;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.concurrent.Callable;

import org.browsersocket.cli.ExitCodes;
import org.browsersocket.swarm.manifest.Manifest;
import org.browsersocket.swarm.manifest.SiteKey;
import org.browsersocket.swarm.manifest.SiteVerifier;
import org.browsersocket.swarm.manifest.Verification;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code swarm-manifest verify SITE_DIR --public-key KEY}: checks a site as a browser would. */
@Command(name = "verify", usageHelpAutoWidth = true, sortOptions = false,
        description = {
            "Checks a site directory against its signed manifest.",
            "Checks SITE_DIR as a browser checks what peers serve it: the signature of swarm/manifest.json"
                    + " against the public key, every rule of the manifest format, then each listed file's size,"
                    + " SHA-256 and piece hashes on disk. Prints one line per problem; exits 0 when there is"
                    + " none, 1 otherwise."
        })
final class VerifyCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SITE_DIR", description = "The site's directory.")
    private Path siteDir;

    @Option(names = "--public-key", required = true, paramLabel = "KEY",
            description = "The site's public key: 43 base64url characters, or a file holding them such as"
                    + " keygen's FILE.pub.")
    private String publicKey;

    @Mixin
    private HelpOption help;

    @Spec
    private CommandSpec spec; // injected by picocli

    @Override
    public Integer call() {
        PublicKey key = KeyFiles.readPublic(publicKey);
        Verification verification = SiteVerifier.verify(siteDir, key);
        PrintWriter out = spec.commandLine().getOut();
        for (String problem : verification.problems()) {
            out.println(problem);
        }
        Manifest manifest = verification.manifest();
        if (verification.ok()) {
            out.println("OK: site " + manifest.site() + " version " + manifest.version() + ", "
                    + manifest.files().size() + " files, " + manifest.totalBytes() + " bytes, signed by "
                    + SiteKey.publicKeyText(key));
        } else {
            int count = verification.problems().size();
            out.println("FAILED: " + count + " problem" + (count == 1 ? "" : "s")
                    + (manifest != null ? " in site " + manifest.site() + " version " + manifest.version() : ""));
        }
        out.flush();
        return verification.ok() ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
