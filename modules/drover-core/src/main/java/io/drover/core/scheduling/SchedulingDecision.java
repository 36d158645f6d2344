package io.drover.core.scheduling;

import java.util.List;
import java.util.Map;

/**
 * The outcome of one pass: the jobs to start now, and for every job left waiting, why, in words
 * an operator can act on.
 */
public record SchedulingDecision(List<Assignment> assignments, Map<String, String> waiting) {}
