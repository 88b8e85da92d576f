package org.browsersocket.runtime.page;

import java.util.List;
import java.util.logging.Logger;
import org.browsersocket.protocol.ControlCodec;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.runtime.routing.Grant;

/**
 * The page's control messages (JSON text frames on its control channel): decoded, checked (hello
 * first, and only once), and turned into operations on its {@link PageSession}. Hello claims the
 * page's grant: the token minted into its script, or, from the extension, the prefixes the
 * extension minted. Runs on the control channel's event loop.
 */
final class PageControl {
    private static final Logger LOG = Logger.getLogger("browsersocket.page");

    private final PageSession session;
    private final PageSession.Context context;
    private volatile Grant grant;

    PageControl(PageSession session, PageSession.Context context) {
        this.session = session;
        this.context = context;
    }

    /** The page's grant, once its hello claimed one. */
    Grant grant() {
        return grant;
    }

    /** One text frame from the page. Malformed input gets an error reply to this page only. */
    void onText(String text) {
        ControlMessage message;
        try {
            message = context.codec().decode(text);
        } catch (ControlCodec.MalformedControlMessage e) {
            LOG.warning(session.name() + " sent a malformed control message: " + e.getMessage());
            session.sendError(null, e.getMessage(), false);
            return;
        }
        if (grant == null && !(message instanceof ControlMessage.Hello)) {
            session.sendError(null, "the first control message must be hello", false);
            return;
        }
        if (message instanceof ControlMessage.Hello hello) {
            hello(hello);
        } else if (message instanceof ControlMessage.Listen listen) {
            session.listen(listen);
        } else if (message instanceof ControlMessage.Unlisten unlisten) {
            session.unlisten(unlisten.listener());
        } else if (message instanceof ControlMessage.Accept accept) {
            session.accept(accept);
        } else if (message instanceof ControlMessage.Reject reject) {
            session.reject(reject);
        } else if (message instanceof ControlMessage.Close close) {
            session.closeFromPage(close);
        } else if (message instanceof ControlMessage.Response response) {
            session.response(response);
        } else if (message instanceof ControlMessage.Abort abort) {
            session.abort(abort);
        } else if (message instanceof ControlMessage.Publish publish) {
            session.publish(publish);
        } else if (message instanceof ControlMessage.Purge purge) {
            session.purge(purge);
        } else {
            session.sendError(null, "a page may not send '" + message.getClass().getSimpleName().toLowerCase()
                    + "' messages", false);
        }
    }

    private void hello(ControlMessage.Hello hello) {
        if (grant != null) {
            session.sendError(null, "hello was already sent on this control channel", false);
            return;
        }
        Grant claimed = hello.prefixes() != null ? adoptExtensionPrefixes(hello) : claimToken(hello.token());
        if (claimed != null) {
            grant = claimed;
            session.introduced(hello.url(), hello.title(), Boolean.TRUE.equals(hello.batches()));
            session.send(new ControlMessage.Welcome(context.publicPort(), context.config().maxMessageBytes(), true));
            session.send(context.reachability().get());
        }
    }

    private Grant claimToken(String token) {
        Grant claimed = context.router().claim(token);
        if (claimed == null) {
            fail("unknown or already used page token: reload the page to get a fresh browsersocket.js");
        }
        return claimed;
    }

    /** A page served by the extension brings the prefixes the extension minted for it. */
    private Grant adoptExtensionPrefixes(ControlMessage.Hello hello) {
        int publicPort = context.publicPort();
        if (!session.viaExtension()) {
            fail("only the BrowserSocket extension may bring its own prefixes; pages present a token");
            return null;
        }
        if (hello.port() != publicPort) {
            fail("the BrowserSocket extension tells pages the public port " + hello.port()
                    + ", but this runtime listens on " + publicPort + ": start the runtime with --public-port "
                    + hello.port() + ", or rebuild the extension with make extension PUBLIC_PORT=" + publicPort);
            return null;
        }
        List<String> prefixes = hello.prefixes().subList(0,
                Math.min(hello.prefixes().size(), context.config().maxListenersPerPage()));
        Grant adopted = context.router().adopt(prefixes);
        if (adopted == null) {
            fail("the extension's prefixes are malformed or already in use");
        }
        return adopted;
    }

    private void fail(String reason) {
        session.sendError(null, reason, true);
        session.closeControl();
    }
}
