package io.drover.core.scheduling;

import io.drover.core.CborSerializable;
import io.drover.core.model.Resources;

/** What the scheduler needs to know about one RUNNABLE job. */
public record JobTicket(String jobId, String queue, Resources resources, long createdAt, int schedulingPriority)
    implements CborSerializable {}
