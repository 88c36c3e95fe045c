package org.stevedore.grid;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class FtsDeterministicJobIdsTest {

    @Test
    void uuid5MatchesPythonsUuid5() {
        // python3 -c 'import uuid; print(uuid.uuid5(uuid.NAMESPACE_DNS, "python.org"))'
        UUID dns = UUID.fromString("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        assertThat(DeterministicJobIds.uuid5(dns, "python.org"))
                .hasToString("886313e1-3b8a-5372-9b90-0c9aee199e5d");
    }

    @Test
    void voIdMatchesWhatFtsWhoamiReportsForDteam() {
        // fts-rest-whoami shows "VO id: 6b10f4e4-8fdc-5555-baa2-7d4850d4f406" for dteam.
        assertThat(DeterministicJobIds.uuid5(DeterministicJobIds.FTS_BASE_ID, "dteam"))
                .hasToString("6b10f4e4-8fdc-5555-baa2-7d4850d4f406");
    }

    @Test
    void jobIdDependsOnVoAndSid() {
        assertThat(DeterministicJobIds.jobId("dteam", "a#0")).isEqualTo(DeterministicJobIds.jobId("dteam", "a#0"))
                .isNotEqualTo(DeterministicJobIds.jobId("dteam", "a#1"))
                .isNotEqualTo(DeterministicJobIds.jobId("atlas", "a#0"));
    }
}
