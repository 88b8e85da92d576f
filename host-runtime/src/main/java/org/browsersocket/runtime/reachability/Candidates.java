package org.browsersocket.runtime.reachability;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.browsersocket.protocol.ControlMessage;
import org.browsersocket.protocol.ControlMessage.Candidate;

/**
 * Every way into this runtime's public port from other networks, best first: its own global
 * addresses, gateway mappings, native IPv6, Teredo, relays. Pages are told when the list changes.
 */
public final class Candidates {
    private final int publicPort;
    private final boolean tls;
    private final List<Supplier<List<Candidate>>> sources = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Consumer<ControlMessage.Reachability> publish;
    private volatile List<Candidate> last = List.of();

    /** {@code publish}: tells every connected page (called when the candidates change). */
    public Candidates(int publicPort, boolean tls, Consumer<ControlMessage.Reachability> publish) {
        this.publicPort = publicPort;
        this.tls = tls;
        this.publish = publish;
    }

    /** Adds a source of candidates (mappings, relays); call {@link #refresh} when it changes. */
    public void add(Supplier<List<Candidate>> source) {
        sources.add(source);
    }

    /** The candidates now, best first, each base once. */
    public List<Candidate> current() {
        List<Candidate> all = new ArrayList<>(InterfaceAddresses.candidates(publicPort, tls));
        sources.forEach(source -> all.addAll(source.get()));
        Map<String, Candidate> unique = new LinkedHashMap<>();
        all.stream().sorted(Comparator.comparingInt(c -> Candidate.KINDS.indexOf(c.kind())))
                .forEach(c -> unique.putIfAbsent(c.base(), c));
        return List.copyOf(unique.values());
    }

    /** The message a page gets after its welcome. */
    public ControlMessage.Reachability message() {
        List<Candidate> now = current();
        last = now;
        return new ControlMessage.Reachability(now);
    }

    /** Recomputes the candidates and tells the pages if they changed. */
    public void refresh() {
        List<Candidate> now = current();
        if (!now.equals(last)) {
            last = now;
            publish.accept(new ControlMessage.Reachability(now));
        }
    }
}
