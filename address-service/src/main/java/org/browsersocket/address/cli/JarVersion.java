package org.browsersocket.address.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

import picocli.CommandLine;

/**
 * Reports the version Maven recorded in the jar ({@code META-INF/maven/.../pom.properties});
 * says so when running from classes that were not packaged.
 */
final class JarVersion implements CommandLine.IVersionProvider {

    private static final String POM_PROPERTIES =
            "/META-INF/maven/org.browsersocket/address-service/pom.properties";

    @Override
    public String[] getVersion() {
        try (InputStream in = JarVersion.class.getResourceAsStream(POM_PROPERTIES)) {
            if (in != null) {
                Properties properties = new Properties();
                properties.load(in);
                String version = properties.getProperty("version");
                if (version != null) {
                    return new String[] {AddressServiceCommand.NAME + " " + version};
                }
            }
        } catch (IOException e) {
            // fall through: the version is simply unknown
        }
        return new String[] {AddressServiceCommand.NAME + " (unpackaged build, version unknown)"};
    }
}
