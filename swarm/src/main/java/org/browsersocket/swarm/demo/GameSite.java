package org.browsersocket.swarm.demo;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * The demo's "game" site: its page, script and style, and a few MiB of assets made from a seed
 * (terrain tiles as PNG, a level as JSON, a sound bank larger than a piece). Version N differs
 * from version N-1 in its level and one tile, as a new release of a game would.
 */
public final class GameSite {
    /** The tiles' names, drawn in this order. */
    static final String[] TILES = {"grass", "water", "sand", "rock", "forest", "snow"};
    private static final int TILE_PIXELS = 512;
    private static final int SOUND_BYTES = 2_000_000;

    private GameSite() {}

    /** Writes version {@code version} of the site into {@code dir} (created; files of another version replaced). */
    public static void write(Path dir, int version) throws IOException {
        Files.createDirectories(dir.resolve("assets/tiles"));
        for (String page : new String[] {"index.html", "game.js", "game.css"}) {
            try (InputStream in = GameSite.class.getResourceAsStream("/game/" + page)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource /game/" + page);
                }
                Files.write(dir.resolve(page), in.readAllBytes());
            }
        }
        for (int i = 0; i < TILES.length; i++) {
            // Tile 0 changes with every version; the others stay as they were.
            int seed = i == 0 ? 1000 + version : i;
            ImageIO.write(tile(i, seed), "png", dir.resolve("assets/tiles/" + TILES[i] + ".png").toFile());
        }
        byte[] sound = new byte[SOUND_BYTES];
        new Random(42).nextBytes(sound);
        Files.write(dir.resolve("assets/sounds.bin"), sound);
        Files.writeString(dir.resolve("assets/level.json"), level(version), StandardCharsets.UTF_8);
    }

    private static final int[][] PALETTES = {
        {0x3f8f3a, 0x6cbf4a}, {0x1f5fbf, 0x4a9fdf}, {0xcfb26a, 0xe8d49a},
        {0x6f6a66, 0x9a948e}, {0x1f5a2a, 0x3d7f3a}, {0xdfe8f0, 0xffffff}};

    /** A noisy tile in the colours of terrain {@code index}; {@code seed} picks its pattern. */
    private static BufferedImage tile(int index, int seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(TILE_PIXELS, TILE_PIXELS, BufferedImage.TYPE_INT_RGB);
        int[] palette = PALETTES[index];
        double phase = random.nextDouble() * Math.PI * 2;
        for (int y = 0; y < TILE_PIXELS; y++) {
            for (int x = 0; x < TILE_PIXELS; x++) {
                double wave = 0.5 + 0.5 * Math.sin(x * 0.05 + phase) * Math.cos(y * 0.04 + phase * 0.5);
                double t = Math.min(1, Math.max(0, wave * 0.7 + random.nextDouble() * 0.3));
                image.setRGB(x, y, mix(palette[0], palette[1], t));
            }
        }
        return image;
    }

    private static int mix(int a, int b, double t) {
        int r = (int) (((a >> 16) & 255) * (1 - t) + ((b >> 16) & 255) * t);
        int g = (int) (((a >> 8) & 255) * (1 - t) + ((b >> 8) & 255) * t);
        int bl = (int) ((a & 255) * (1 - t) + (b & 255) * t);
        return (r << 16) | (g << 8) | bl;
    }

    /** A 24×14 map of tile indexes, different for each version. */
    private static String level(int version) {
        Random random = new Random(7L * version);
        StringBuilder out = new StringBuilder("{\"version\":" + version + ",\"tiles\":" + jsonNames() + ",\"map\":[");
        for (int y = 0; y < 14; y++) {
            out.append(y == 0 ? "[" : ",[");
            for (int x = 0; x < 24; x++) {
                double h = Math.sin((x + version * 3) * 0.35) + Math.cos(y * 0.45) + random.nextDouble() * 0.8;
                int t = h < -0.6 ? 1 : h < -0.2 ? 2 : h < 0.6 ? 0 : h < 1.1 ? 4 : h < 1.5 ? 3 : 5;
                out.append(x == 0 ? "" : ",").append(t);
            }
            out.append(']');
        }
        return out.append("]}\n").toString();
    }

    private static String jsonNames() {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < TILES.length; i++) {
            out.append(i == 0 ? "\"" : ",\"").append(TILES[i]).append('"');
        }
        return out.append(']').toString();
    }
}
