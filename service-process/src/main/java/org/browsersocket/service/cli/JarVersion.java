package org.browsersocket.service.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Reports the version Maven recorded in the jar
 * ({@code META-INF/maven/org.browsersocket/NAME/pom.properties}), NAME being the command's name,
 * which is also its module's artifactId; says so when running from classes that were not
 * packaged.
 */
public final class JarVersion implements CommandLine.IVersionProvider {

    @Spec
    private CommandSpec spec; // injected by picocli

    @Override
    public String[] getVersion() {
        return new String[] {of(spec.name())};
    }

    /**
     * {@code "artifactId version"}, or {@code "artifactId (unpackaged build, version unknown)"}
     * when the class path holds no {@code pom.properties} for {@code artifactId}.
     */
    public static String of(String artifactId) {
        String pomProperties = "/META-INF/maven/org.browsersocket/" + artifactId + "/pom.properties";
        try (InputStream in = JarVersion.class.getResourceAsStream(pomProperties)) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version");
                if (version != null) {
                    return artifactId + " " + version;
                }
            }
        } catch (IOException e) {
            // fall through: the version is simply unknown
        }
        return artifactId + " (unpackaged build, version unknown)";
    }
}
