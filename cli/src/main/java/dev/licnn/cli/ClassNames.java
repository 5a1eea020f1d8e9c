package dev.licnn.cli;

import dev.licnn.proto.v1.ClassLabel;
import dev.licnn.proto.v1.ModelDescription;

/** Class lookups in a model description. */
final class ClassNames {

    private ClassNames() {}

    /** A class id from an id, a key (e.g. a wnid) or a label name. */
    static int resolve(ModelDescription d, String text) {
        if (text.matches("\\d+")) {
            int id = Integer.parseInt(text);
            if (id >= d.getNumClasses()) {
                throw new CliException(
                        "class "
                                + id
                                + " does not exist: model "
                                + d.getName()
                                + " has classes 0.."
                                + (d.getNumClasses() - 1));
            }
            return id;
        }
        for (ClassLabel l : d.getLabelsList()) {
            if (l.getKey().equals(text) || l.getName().equals(text)) {
                return l.getClassId();
            }
        }
        throw new CliException("unknown class '" + text + "' for model " + d.getName());
    }
}
