package org.browsersocket.discovery.store;

/**
 * Called by {@link GroupCommit}'s writer just before each COMMIT, with how many writes it holds;
 * lets tests hold a commit and see that no write in it has been acknowledged yet.
 */
interface CommitHook {
    /** Does nothing. */
    CommitHook NONE = writes -> { };

    void beforeCommit(int writes);
}
