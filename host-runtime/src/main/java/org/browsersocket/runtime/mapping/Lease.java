package org.browsersocket.runtime.mapping;

/** A mapping held on a gateway: renewed before it expires, deleted on a clean stop. */
interface Lease {
    Mapping mapping();

    /** Asks again; throws when the gateway refuses, does not answer, or shows it forgot (epoch). */
    Mapping renew() throws MappingException;

    /** Deletes the mapping, within a short time; failures are ignored (it expires anyway). */
    void delete();
}
