package dev.licnn.cli;

import dev.licnn.proto.v1.FeatureLayer;
import dev.licnn.proto.v1.ModelDescription;
import dev.licnn.proto.v1.ModelSummary;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code models}: what the server serves. */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = "List the served models and their feature layers.")
final class ModelsCommand implements Callable<Integer> {

    @Mixin Connection connection;

    @Override
    public Integer call() throws Exception {
        try (Connection.Session s = connection.open()) {
            var list = s.client.listModels();
            for (ModelSummary m : list.getModelsList()) {
                ModelDescription d = s.client.describeModel(m.getName());
                System.out.printf(
                        "%s%s: %s%s, %d classes, input %dx%d, weights %s%n",
                        m.getName(),
                        m.getName().equals(list.getDefaultModel()) ? " (default)" : "",
                        d.getArchitecture(),
                        d.getBatchNorm() ? " with batch norm" : "",
                        d.getNumClasses(),
                        d.getInputSize().getHeight(),
                        d.getInputSize().getWidth(),
                        d.getWeights());
                for (FeatureLayer l : d.getFeatureLayersList()) {
                    System.out.printf(
                            "  %2d %-8s %-12s %4d x %3d x %3d%n",
                            l.getIndex(),
                            l.getName(),
                            l.getModulePath(),
                            l.getChannels(),
                            l.getHeight(),
                            l.getWidth());
                }
            }
        }
        return 0;
    }
}
