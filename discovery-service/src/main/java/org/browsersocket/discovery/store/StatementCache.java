package org.browsersocket.discovery.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The prepared statements of one connection, each prepared once and then reused: preparing costs
 * about as much as running these short statements. For one thread at a time; result sets must be
 * closed by whoever runs a query, the statements only by {@link #close()}.
 */
final class StatementCache implements AutoCloseable {
    private final Connection db;
    private final Map<String, PreparedStatement> prepared = new HashMap<>();

    StatementCache(Connection db) {
        this.db = db;
    }

    /** The statement for {@code sql}, ready to have its parameters set. */
    PreparedStatement get(String sql) throws SQLException {
        PreparedStatement statement = prepared.get(sql);
        if (statement == null) {
            statement = db.prepareStatement(sql);
            prepared.put(sql, statement);
        }
        return statement;
    }

    /** Runs {@code sql} that has no parameters and returns no rows (BEGIN, COMMIT, SAVEPOINT ...). */
    void execute(String sql) throws SQLException {
        get(sql).executeUpdate();
    }

    /** Closes the statements, not the connection. */
    @Override
    public void close() throws SQLException {
        for (PreparedStatement statement : prepared.values()) {
            statement.close();
        }
        prepared.clear();
    }
}
