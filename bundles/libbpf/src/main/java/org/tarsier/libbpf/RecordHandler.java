package org.tarsier.libbpf;

import java.lang.foreign.MemorySegment;

/** Receiver of ring-buffer records. */
@FunctionalInterface
public interface RecordHandler {

    /**
     * Receives one record. The segment is valid only during this call, because the kernel reuses
     * the space once the call returns; copy what must outlive it.
     */
    void onRecord(MemorySegment record);
}
