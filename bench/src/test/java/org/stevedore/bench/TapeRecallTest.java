package org.stevedore.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TapeRecallTest {

    @Test
    void aSmallRecallReportsFiguresWithinTheDrivesBoundAndTheBuffer() {
        Map<String, Object> figures = new TapeRecall(Options.parse(new String[] {"tape-recall", "--files", "1600"})).run();

        assertThat(figures).containsEntry("scenario", "tape-recall").containsEntry("files", 1600).containsEntry("drives", 4);
        double share = (double) figures.get("share_of_drive_bound");
        // 8 cartridges on 4 drives: two rounds of mounts cost time, so the drives' bound is approached, never passed
        assertThat(share).isGreaterThan(0.3).isLessThan(1.0);
        assertThat((long) figures.get("buffer_peak_bytes")).isLessThanOrEqualTo((long) figures.get("buffer_bytes"));
        assertThat((long) figures.get("bytes")).isPositive();
    }
}
