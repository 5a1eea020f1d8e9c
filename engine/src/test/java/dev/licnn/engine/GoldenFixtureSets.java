package dev.licnn.engine;

import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.support.ParameterDeclarations;

/**
 * The argument source of {@link EveryFixtureSet}: one {@link GoldenFixtures} per fixture set,
 * loaded once per test run (with one shared {@link GoldenModel}) and closed when the run ends.
 */
final class GoldenFixtureSets implements ArgumentsProvider {

    private static final ExtensionContext.Namespace NS =
            ExtensionContext.Namespace.create(GoldenFixtureSets.class);

    @Override
    public Stream<? extends Arguments> provideArguments(
            ParameterDeclarations parameters, ExtensionContext context) {
        ExtensionContext.Store store = context.getRoot().getStore(NS);
        GoldenModel model =
                store.getOrComputeIfAbsent("model", k -> GoldenModel.open(), GoldenModel.class);
        return Arrays.stream(GoldenTolerances.FIXTURE_SETS)
                .map(
                        set ->
                                store.getOrComputeIfAbsent(
                                        "set:" + set,
                                        k -> GoldenFixtures.load(set, model),
                                        GoldenFixtures.class))
                .map(Arguments::of);
    }
}
