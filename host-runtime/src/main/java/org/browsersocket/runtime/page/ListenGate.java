package org.browsersocket.runtime.page;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.browsersocket.runtime.consent.ConsentBook;
import org.browsersocket.runtime.consent.ConsentDesk;

/**
 * Holds a page's listen requests until the user has allowed its origin: an allowed origin passes
 * at once, a denied one is refused at once, an unknown one waits at the {@link ConsentDesk} (the
 * status page's "wants to accept connections" list). Runs on the page's control-channel loop; the
 * desk's answers hop onto it.
 */
final class ListenGate implements ConsentDesk.Waiter {
    private enum State { UNASKED, WAITING, OPEN, CLOSED }

    private final PageSession session;
    private final ConsentDesk desk;
    private final Executor pageLoop;
    private final List<Integer> held = new ArrayList<>();
    private State state;

    ListenGate(PageSession session, ConsentDesk desk, Executor pageLoop, boolean preAllowed) {
        this.session = session;
        this.desk = desk;
        this.pageLoop = pageLoop;
        this.state = preAllowed ? State.OPEN : State.UNASKED;
    }

    @Override
    public String origin() {
        return session.origin();
    }

    /** The page asks to open listener {@code index}. */
    void request(int index) {
        switch (state) {
            case OPEN -> session.bindListener(index);
            case WAITING -> held.add(index);
            case CLOSED -> { }
            case UNASKED -> {
                ConsentBook.Standing standing = desk.book().standing(origin());
                if (standing == ConsentBook.Standing.ALLOWED) {
                    state = State.OPEN;
                    session.bindListener(index);
                } else if (standing == ConsentBook.Standing.DENIED) {
                    session.refuseListener(index, desk.deniedReason(origin()));
                } else {
                    String refusal = desk.ask(this);
                    if (refusal != null) {
                        session.refuseListener(index, refusal);
                        return;
                    }
                    state = State.WAITING;
                    held.add(index);
                    session.sendPending(origin() + " is waiting for the user to allow it to accept connections"
                            + " on this device's BrowserSocket runtime: " + desk.consentUrl(), desk.consentUrl());
                }
            }
        }
    }

    /** Whether listener {@code index} is waiting here. */
    boolean holds(int index) {
        return held.contains(index);
    }

    /** The page stopped a listener that was still waiting. */
    void drop(int index) {
        held.remove(Integer.valueOf(index));
    }

    @Override
    public void allowed() {
        pageLoop.execute(() -> {
            if (state != State.WAITING) {
                return;
            }
            state = State.OPEN;
            List<Integer> release = List.copyOf(held);
            held.clear();
            release.forEach(session::bindListener);
        });
    }

    @Override
    public void refused(String reason) {
        pageLoop.execute(() -> {
            if (state != State.WAITING) {
                return;
            }
            state = State.UNASKED;
            List<Integer> release = List.copyOf(held);
            held.clear();
            release.forEach(index -> session.refuseListener(index, reason));
        });
    }

    /** The user revoked the origin: its open listeners are closed; new ones ask again. */
    void revoked() {
        if (state == State.OPEN) {
            state = State.UNASKED;
        }
    }

    /** The page went away. */
    void close() {
        if (state == State.WAITING) {
            desk.withdraw(this);
        }
        state = State.CLOSED;
        held.clear();
    }
}
