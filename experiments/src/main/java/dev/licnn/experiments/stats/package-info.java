/**
 * The statistics the reports rest on: Wilson intervals, McNemar's test, bootstrap intervals and
 * paired tests ({@link dev.licnn.experiments.stats.Stats}), Pearson and Spearman correlation
 * ({@link dev.licnn.experiments.stats.Correlation}), and how intervals and p-values are printed
 * ({@link dev.licnn.experiments.stats.Formats}).
 *
 * <p>Plain {@code java.util}: it must not import anything of the project or a library.
 */
package dev.licnn.experiments.stats;
