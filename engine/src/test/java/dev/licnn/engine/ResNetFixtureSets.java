package dev.licnn.engine;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.support.AnnotationConsumer;
import org.junit.jupiter.params.support.ParameterDeclarations;

/**
 * The argument source of {@link EveryResNetFixtureSet}: one {@link ResNetGoldenFixtures} per ResNet
 * fixture set for the annotation's net, loaded once per test run (with one shared {@link
 * ResNetGoldenModel} per net) and closed when the run ends.
 */
final class ResNetFixtureSets
        implements ArgumentsProvider, AnnotationConsumer<EveryResNetFixtureSet> {

    private static final ExtensionContext.Namespace NS =
            ExtensionContext.Namespace.create(ResNetFixtureSets.class);

    private String net;

    @Override
    public void accept(EveryResNetFixtureSet annotation) {
        net = annotation.value();
    }

    @Override
    public Stream<? extends Arguments> provideArguments(
            ParameterDeclarations parameters, ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(NS);
        ResNetGoldenModel model =
                store.getOrComputeIfAbsent(
                        "model:" + net, k -> ResNetGoldenModel.open(net), ResNetGoldenModel.class);
        return Arrays.stream(GoldenTolerances.RESNET_FIXTURE_SETS)
                .map(
                        set ->
                                store.getOrComputeIfAbsent(
                                        "set:" + set + "/" + net,
                                        k -> ResNetGoldenFixtures.load(set, model),
                                        ResNetGoldenFixtures.class))
                .map(Arguments::of);
    }
}
