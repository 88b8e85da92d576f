package org.browsersocket.swarm.tool;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;

import org.browsersocket.cli.ExitCodes;
import org.browsersocket.swarm.manifest.SiteKey;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code swarm-manifest keygen --key FILE}: a new Ed25519 site key, never over an existing one. */
@Command(name = "keygen", usageHelpAutoWidth = true, sortOptions = false,
        description = {
            "Makes a new Ed25519 key for signing a site's manifests.",
            "FILE gets the private key (PKCS#8 PEM, readable by its owner only) and FILE.pub the public key"
                    + " (one line: its raw 32 bytes in base64url). Neither file may exist already.",
            "Pages pin the public key: they import it with crypto.subtle.importKey('raw', ...,"
                    + " {name: 'Ed25519'}, false, ['verify']) and check swarm/manifest.sig with it. Keep FILE"
                    + " secret and backed up: a new key means changing the pages."
        })
final class KeygenCommand implements Callable<Integer> {

    @Option(names = "--key", required = true, paramLabel = "FILE",
            description = "Where to write the private key; the public key goes to FILE.pub.")
    private Path key;

    @Mixin
    private HelpOption help;

    @Spec
    private CommandSpec spec; // injected by picocli

    @Override
    public Integer call() {
        Path publicFile = key.resolveSibling(key.getFileName() + ".pub");
        for (Path file : new Path[] {key, publicFile}) {
            if (Files.exists(file)) {
                throw new UserError(ExitCodes.BAD_USAGE, file + " exists; refusing to overwrite a key"
                        + " (choose another --key FILE, or move the old one away)");
            }
        }
        Path parent = key.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new UserError(ExitCodes.FAILURE, "cannot write " + key + ": no directory " + parent);
        }
        SiteKey siteKey = SiteKey.generate();
        try {
            siteKey.write(key);
            Files.writeString(publicFile, siteKey.publicKeyText() + "\n", StandardCharsets.US_ASCII,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException e) {
            throw new UserError(ExitCodes.BAD_USAGE, e.getFile() + " exists; refusing to overwrite a key");
        } catch (IOException e) {
            throw new UserError(ExitCodes.FAILURE, "cannot write the key: " + e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("private key: " + key + " (keep it secret; build signs with it)");
        out.println("public key:  " + publicFile);
        out.println(siteKey.publicKeyText());
        out.println("Pin this public key in the site's pages: they check swarm/manifest.sig with it"
                + " (crypto.subtle.importKey('raw', ..., {name: 'Ed25519'}, false, ['verify'])).");
        out.flush();
        return ExitCodes.OK;
    }
}
