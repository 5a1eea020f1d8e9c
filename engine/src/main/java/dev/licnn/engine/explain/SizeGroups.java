package dev.licnn.engine.explain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * How an engine explains several jobs at once: each job is checked on its own (a bad one fails
 * alone), the rest run in groups of one input size (in the order of their first job), and every job
 * gets one {@link Outcome}, in order.
 *
 * <pre>{@code
 * return SizeGroups.explainAll(jobs, this::start, (group, h, w) -> runGroup(group, h, w));
 * }</pre>
 */
public final class SizeGroups {

    private SizeGroups() {}

    /** What an engine knows of one job while the group runs. */
    public interface Member {
        Targets targets();

        /** The job's outcome once its group has run. */
        Outcome outcome();
    }

    /** Runs one group of jobs of the same input size. */
    @FunctionalInterface
    public interface GroupRun<S> {
        void run(List<S> group, int height, int width);
    }

    /**
     * @param start checks a job and makes its state; a job whose start throws fails with that
     *     exception
     * @return one outcome per job, in order
     */
    public static <J, S extends Member> List<Outcome> explainAll(
            List<J> jobs, Function<J, S> start, GroupRun<S> run) {
        Outcome[] out = new Outcome[jobs.size()];
        List<Integer> index = new ArrayList<>();
        List<S> valid = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            try {
                valid.add(start.apply(jobs.get(i)));
                index.add(i);
            } catch (RuntimeException e) {
                out[i] = Outcome.failed(e);
            }
        }
        while (!valid.isEmpty()) {
            int h = valid.get(0).targets().height();
            int w = valid.get(0).targets().width();
            List<S> group = new ArrayList<>();
            List<Integer> groupIndex = new ArrayList<>();
            List<S> rest = new ArrayList<>();
            List<Integer> restIndex = new ArrayList<>();
            for (int i = 0; i < valid.size(); i++) {
                S s = valid.get(i);
                boolean same = s.targets().height() == h && s.targets().width() == w;
                (same ? group : rest).add(s);
                (same ? groupIndex : restIndex).add(index.get(i));
            }
            run.run(group, h, w);
            for (int i = 0; i < group.size(); i++) {
                out[groupIndex.get(i)] = group.get(i).outcome();
            }
            valid = rest;
            index = restIndex;
        }
        return Arrays.asList(out);
    }
}
