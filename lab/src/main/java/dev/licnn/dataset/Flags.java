package dev.licnn.dataset;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Minimal {@code --name value} parsing for the command-line entry points. */
public final class Flags {

    private Flags() {}

    /**
     * Parses {@code --name value} pairs.
     *
     * @param args the arguments
     * @param known accepted names (without the dashes)
     * @return name to value, in argument order
     * @throws IllegalArgumentException on an unknown name, a missing value or a stray argument
     */
    public static Map<String, String> parse(String[] args, List<String> known) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("--" + name + " needs a value");
            }
            if (!known.contains(name)) {
                throw new IllegalArgumentException(
                        "unknown option --" + name + " (known: " + known + ")");
            }
            out.put(name, value);
        }
        return out;
    }
}
