package org.browsersocket.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code --version} of every BrowserSocket jar: {@code BrowserSocket NAME VERSION}, NAME being
 * the command's name and VERSION the project's Maven version, which each jar's manifest carries as
 * {@code Implementation-Version}. Classes that were not packaged fall back to the
 * {@code pom.properties} Maven records for a module called NAME, and say so when there is none.
 */
public final class ReleaseVersion implements CommandLine.IVersionProvider {

    @Spec
    private CommandSpec spec; // injected by picocli

    @Override
    public String[] getVersion() {
        return new String[] {of(spec.name())};
    }

    /** {@code "BrowserSocket name version"}, or with "(unpackaged build, version unknown)". */
    public static String of(String name) {
        String version = number(name);
        return "BrowserSocket " + name + " " + (version != null ? version : "(unpackaged build, version unknown)");
    }

    /** The version alone (e.g. {@code 0.1.0-SNAPSHOT}), or null when the build recorded none. */
    public static String number(String name) {
        String version = ReleaseVersion.class.getPackage().getImplementationVersion();
        return version != null ? version : recordedByMaven(name);
    }

    private static String recordedByMaven(String artifactId) {
        String pomProperties = "/META-INF/maven/org.browsersocket/" + artifactId + "/pom.properties";
        try (InputStream in = ReleaseVersion.class.getResourceAsStream(pomProperties)) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                return properties.getProperty("version");
            }
        } catch (IOException e) {
            // fall through: the version is simply unknown
        }
        return null;
    }
}
