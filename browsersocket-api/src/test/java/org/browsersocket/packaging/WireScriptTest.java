package org.browsersocket.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The data frames of lib/wire.js, HTTP body and end frames among them (run by Node.js). */
class WireScriptTest {
    private static String run(String probe) throws Exception {
        // A frame may be a view of a larger buffer: the channel sends the view, so the probe decodes that.
        return NodeProgram.run(Path.of("target"), NodeProgram.fragment("lib/wire.js")
                + "\nfunction sent(frame) { return frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.length); }\n" + probe);
    }

    @Test
    void aBodyFrameCarriesAnUnsigned32BitIdAndTheBytes() throws Exception {
        String out = run("""
                var frame = encodeBodyFrame(4294967295, new Uint8Array([1, 2, 3]));
                var back = decodeDataFrame(sent(frame));
                console.log(Array.from(frame).join(','), back.kind, back.id, Array.from(new Uint8Array(back.data)).join(','));
                """);
        assertEquals("2,255,255,255,255,1,2,3 2 4294967295 1,2,3", out);
    }

    @Test
    void anEndFrameHasNoPayloadAndDecodesWithoutData() throws Exception {
        String out = run("""
                var frame = encodeEndFrame(2147483648);
                var back = decodeDataFrame(sent(frame));
                console.log(Array.from(frame).join(','), back.kind, back.id, back.data === undefined);
                """);
        assertEquals("3,128,0,0,0 3 2147483648 true", out);
    }

    @Test
    void messagesDecodeAsBeforeWithTheirKind() throws Exception {
        String out = run("""
                var text = decodeDataFrame(sent(encodeDataFrame(7, '\\ufeffhé', 100)));
                var binary = decodeDataFrame(sent(encodeDataFrame(7, new Uint8Array([9]), 100)));
                console.log(text.kind, text.id, JSON.stringify(text.data), binary.kind, new Uint8Array(binary.data)[0]);
                """);
        assertEquals("0 7 \"\uFEFFhé\" 1 9", out);
    }
}
