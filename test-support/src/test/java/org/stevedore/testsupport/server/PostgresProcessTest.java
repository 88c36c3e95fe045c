package org.stevedore.testsupport.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.stevedore.testsupport.Counterparts;

/** PostgreSQL of its own: initdb, a postmaster on a loopback port, the user's database, password required. */
class PostgresProcessTest {

    @Test
    void startsTakesQueriesAndStops() {
        Counterparts.require(PostgresProcess.available(), "PostgreSQL (Debian package postgresql)");
        try (PostgresProcess pg = PostgresProcess.start()) {
            assertThat(pg.jdbcUrl()).startsWith("jdbc:postgresql://127.0.0.1:" + pg.port() + "/");
            pg.query("CREATE TABLE probe (n int)");
            pg.query("INSERT INTO probe VALUES (41), (1)");
            assertThat(pg.query("SELECT sum(n) FROM probe")).isEqualTo("42");
            assertThat(pg.query("SELECT current_user")).isEqualTo(PostgresProcess.USER);
        }
    }
}
