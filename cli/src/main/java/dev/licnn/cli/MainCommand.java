package dev.licnn.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Unmatched;

/** A subcommand that hands its arguments, unparsed, to a program's own {@code main}. */
abstract class MainCommand implements Callable<Integer> {

    @Unmatched List<String> args = new ArrayList<>();

    /** Runs the program with the arguments given after the subcommand's name. */
    abstract void main(String[] arguments) throws Exception;

    @Override
    public Integer call() throws Exception {
        main(args.toArray(new String[0]));
        return 0;
    }
}
