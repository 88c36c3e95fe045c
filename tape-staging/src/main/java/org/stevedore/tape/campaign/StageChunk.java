package org.stevedore.tape.campaign;

import java.util.List;
import org.stevedore.tape.store.CampaignFile;

/** The files of one stage request: a campaign's next files on one tape RSE, in path order, granted by the scheduler. */
public record StageChunk(String tapeRse, List<CampaignFile> files) {

    public StageChunk {
        files = List.copyOf(files);
    }

    public long bytes() {
        return files.stream().mapToLong(CampaignFile::bytes).sum();
    }

    public List<String> keys() {
        return files.stream().map(CampaignFile::key).toList();
    }
}
