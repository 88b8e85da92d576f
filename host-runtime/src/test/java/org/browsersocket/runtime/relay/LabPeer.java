package org.browsersocket.runtime.relay;

import org.browsersocket.runtime.testing.JavaPeer;

/** Run inside a lab home: connects to {@code args[0]}, sends one message, prints {@code ECHO <reply>}. */
public final class LabPeer {
    public static void main(String[] args) throws Exception {
        JavaPeer peer = new JavaPeer(args[0]);
        peer.connect();
        peer.awaitOpen();
        peer.send("across two symmetric NATs");
        System.out.println("ECHO " + peer.nextText());
        peer.closeBlocking();
        System.exit(0);
    }
}
