package dev.licnn.cli;

import dev.licnn.dataset.DatasetMain;
import dev.licnn.engine.bench.DeviceParity;
import dev.licnn.engine.bench.EngineBench;
import dev.licnn.experiments.ExperimentException;
import dev.licnn.server.ServeCommand;
import dev.licnn.server.bench.ServiceBench;
import dev.licnn.train.EvaluateMain;
import dev.licnn.train.TrainMain;
import io.grpc.StatusRuntimeException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code licnn} command: serve, explain, classify, bench, models, health, and the programs of
 * the other modules (bench-engine, bench-service, parity, dataset, train, evaluate), whose options
 * each program declares itself.
 *
 * <p>Exit codes: 0 success, 1 the server failed a request, 2 bad arguments, paths, model folders or
 * weights files (one line naming the cause, never a stack trace).
 */
@Command(
        name = "licnn",
        mixinStandardHelpOptions = true,
        version = "licnn 0.1.0",
        description =
                "LICNN saliency maps: serve them over gRPC, compute them for images, benchmark the server.",
        subcommands = {
            ServeCommand.class,
            ExplainCommand.class,
            ClassifyCommand.class,
            BenchCommand.class,
            ModelsCommand.class,
            ImportCommand.class,
            HealthCommand.class,
            EngineBench.class,
            ServiceBench.class,
            DeviceParity.class,
            DatasetMain.class,
            TrainMain.class,
            EvaluateMain.class,
            dev.licnn.cli.experiment.ExperimentCommand.class,
            dev.licnn.cli.soak.SoakCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Licnn implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The command line with the project's error handling. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Licnn());
        cl.setParameterExceptionHandler(
                (ex, args) -> {
                    PrintWriter err = ex.getCommandLine().getErr();
                    err.println("licnn: error: " + ex.getMessage());
                    err.println(
                            "(see: "
                                    + ex.getCommandLine().getCommandSpec().qualifiedName()
                                    + " --help)");
                    err.flush();
                    return 2;
                });
        cl.setExecutionExceptionHandler(
                (ex, c, parsed) -> {
                    PrintWriter err = c.getErr();
                    String cause = LoadErrors.userCause(ex);
                    if (cause != null) {
                        err.println("licnn: error: " + cause);
                        err.flush();
                        return 2;
                    }
                    if (ex instanceof CliException
                            || ex instanceof ExperimentException
                            || ex instanceof IllegalArgumentException) {
                        err.println("licnn: error: " + ex.getMessage());
                        err.flush();
                        return 2;
                    }
                    if (ex instanceof StatusRuntimeException) {
                        StatusRuntimeException s = (StatusRuntimeException) ex;
                        err.println(
                                "licnn: server error: "
                                        + s.getStatus().getCode()
                                        + ": "
                                        + s.getStatus().getDescription());
                        err.flush();
                        return 1;
                    }
                    err.println("licnn: failed: " + LoadErrors.rootCause(ex));
                    err.flush();
                    return 1;
                });
        return cl;
    }

    public static void main(String[] args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        boolean serving = args.length > 0 && args[0].equals("serve");
        System.setProperty(
                "org.slf4j.simpleLogger.defaultLogLevel",
                System.getProperty(
                        "org.slf4j.simpleLogger.defaultLogLevel", serving ? "info" : "warn"));
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        if (!serving) {
            Connection.quietTransportLogs();
        }
        int code = commandLine().execute(args);
        System.exit(code);
    }
}
