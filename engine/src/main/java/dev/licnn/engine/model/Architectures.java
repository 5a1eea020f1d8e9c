package dev.licnn.engine.model;

import java.util.List;

/**
 * The architectures known by one word ({@code vgg16}, ...), as {@code --random-model}, {@code licnn
 * import --arch} and {@code model.json} name them. One lookup, so a new family is one more entry
 * here.
 */
public final class Architectures {

    /** Every name {@link #byName} knows, in the order shown to users. */
    public static final List<String> NAMES =
            List.of(
                    "vgg11",
                    "vgg11_bn",
                    "vgg13",
                    "vgg13_bn",
                    "vgg16",
                    "vgg16_bn",
                    "vgg19",
                    "vgg19_bn");

    private Architectures() {}

    /**
     * @param name a name from {@link #NAMES}
     * @return the architecture as torchvision builds it (1000 classes, 224x224)
     * @throws IllegalArgumentException naming the known architectures
     */
    public static VggSpec byName(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException(
                    "unknown architecture '"
                            + name
                            + "' (known: "
                            + String.join(", ", NAMES)
                            + ")");
        }
        return VggSpec.byName(name);
    }
}
