package org.browsersocket.packaging;

import java.nio.file.Path;

/**
 * Writes what the build ships besides the jars: {@code Packages OUTPUT_DIR VERSION PUBLIC_PORT}
 * writes {@code npm/browsersocket/}, {@code extension/browsersocket/} and
 * {@code browsersocket-extension.zip} under OUTPUT_DIR. Run by Maven's package phase.
 */
public final class Packages {
    private Packages() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: Packages OUTPUT_DIR VERSION PUBLIC_PORT");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        int publicPort = Integer.parseInt(args[2]);
        NpmPackage.write(out.resolve("npm/browsersocket"), args[1]);
        Path extension = ExtensionPackage.writeUnpacked(out.resolve("extension/browsersocket"), publicPort);
        ExtensionPackage.zip(extension, out.resolve("browsersocket-extension.zip"));
        System.out.println("wrote " + out.resolve("npm/browsersocket") + ", " + extension + " (public port "
                + publicPort + ") and " + out.resolve("browsersocket-extension.zip"));
    }
}
