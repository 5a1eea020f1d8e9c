package dev.licnn.engine.bench;

import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Checks of option values that picocli's types do not express. A bad value becomes a {@link
 * ParameterException}, which picocli reports as one line naming the option (exit status 2), like a
 * value of the wrong type.
 */
public final class Args {

    private Args() {}

    /**
     * Runs {@code command} (a picocli command) on {@code args} as a program's {@code main} does:
     * exits with its status when that is not 0.
     */
    public static void runAsMain(Object command, String[] args) {
        int code = new CommandLine(command).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Fails unless {@code value >= min}. */
    public static void atLeast(CommandSpec command, String option, long value, long min) {
        if (value < min) {
            throw new ParameterException(
                    command.commandLine(), option + " must be at least " + min + ", got " + value);
        }
    }

    /**
     * The value of {@code parse}, with its {@link IllegalArgumentException} (which names the bad
     * part) turned into a {@link ParameterException} that names {@code option}.
     */
    public static <T> T checked(CommandSpec command, String option, Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(command.commandLine(), option + ": " + e.getMessage(), e);
        }
    }
}
