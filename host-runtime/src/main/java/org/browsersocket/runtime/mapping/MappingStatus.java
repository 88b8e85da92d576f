package org.browsersocket.runtime.mapping;

import java.util.List;

/**
 * What port mapping achieved, for the log, the status page and the candidates given to pages.
 *
 * @param state    where the search stands
 * @param mappings what the gateway granted (empty unless {@link State#MAPPED})
 * @param reason   one sentence: what was got, or why nothing was
 */
public record MappingStatus(State state, List<Mapping> mappings, String reason) {
    /** Where the search for a gateway stands. */
    public enum State { OFF, SEARCHING, MAPPED, NONE_FOUND, FAILED }

    public MappingStatus {
        mappings = List.copyOf(mappings);
    }

    /** Port mapping turned off ({@code --no-port-mapping}). */
    public static MappingStatus off() {
        return new MappingStatus(State.OFF, List.of(), "port mapping is off");
    }
}
