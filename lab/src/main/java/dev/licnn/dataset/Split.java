package dev.licnn.dataset;

import java.util.Locale;

/** The dataset's splits and how each chooses an image's background family. */
public enum Split {
    /** Training images: the class's own background family most of the time. */
    TRAIN(true),
    /** Held-out images drawn like {@link #TRAIN}: the bias the model learnt still holds. */
    NATURAL(true),
    /** Held-out images whose background always belongs to another class. */
    ADVERSARIAL(false);

    private final boolean ownBackgroundLikely;

    Split(boolean ownBackgroundLikely) {
        this.ownBackgroundLikely = ownBackgroundLikely;
    }

    /** True where objects usually come on their own class's background family. */
    public boolean ownBackgroundLikely() {
        return ownBackgroundLikely;
    }

    /** The folder and manifest name: {@code train}, {@code natural}, {@code adversarial}. */
    public String dirName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #dirName()} (case-insensitive). */
    public static Split parse(String s) {
        for (Split split : values()) {
            if (split.dirName().equalsIgnoreCase(s)) {
                return split;
            }
        }
        throw new IllegalArgumentException(
                "unknown split '" + s + "' (expected train|natural|adversarial)");
    }
}
