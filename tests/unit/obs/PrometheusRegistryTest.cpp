#include "obs/PrometheusRegistry.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace monti::obs {
namespace {

TEST(PrometheusRegistry, RendersACounterWithHelpAndType) {
  PrometheusRegistry registry;
  registry.counter("monti_jobs_total", "Jobs run").inc(3);
  EXPECT_EQ(registry.render(),
            "# HELP monti_jobs_total Jobs run\n# TYPE monti_jobs_total counter\nmonti_jobs_total 3\n");
}

TEST(PrometheusRegistry, RendersAGaugeIncludingNegativeValues) {
  PrometheusRegistry registry;
  auto& gauge = registry.gauge("monti_balance", "Balance");
  gauge.set(5);
  gauge.dec(7);
  EXPECT_EQ(registry.render(), "# HELP monti_balance Balance\n# TYPE monti_balance gauge\nmonti_balance -2\n");
}

TEST(PrometheusRegistry, RendersLabelsInTheGivenOrder) {
  PrometheusRegistry registry;
  registry.counter("requests_total", "R", {{"method", "GET"}, {"status", "200"}}).inc();
  EXPECT_NE(registry.render().find("requests_total{method=\"GET\",status=\"200\"} 1\n"), std::string::npos);
}

TEST(PrometheusRegistry, EscapesBackslashQuoteAndNewlineInLabelValues) {
  PrometheusRegistry registry;
  registry.counter("requests_total", "R", {{"path", "a\\b\"c\nd"}}).inc();
  EXPECT_NE(registry.render().find(R"(requests_total{path="a\\b\"c\nd"} 1)"), std::string::npos) << registry.render();
}

TEST(PrometheusRegistry, EachLabelSetIsItsOwnSeriesUnderOneHeader) {
  PrometheusRegistry registry;
  registry.counter("hits_total", "Hits", {{"route", "/a"}}).inc(1);
  registry.counter("hits_total", "Hits", {{"route", "/b"}}).inc(2);
  EXPECT_EQ(
      registry.render(),
      "# HELP hits_total Hits\n# TYPE hits_total counter\nhits_total{route=\"/a\"} 1\nhits_total{route=\"/b\"} 2\n");
}

TEST(PrometheusRegistry, RendersAHistogramWithCumulativeBucketsSumAndCount) {
  PrometheusRegistry registry;
  auto& histogram = registry.histogram("latency_seconds", "Latency", {0.5, 1, 2.5});
  histogram.observe(0.25);
  histogram.observe(0.5);  // on the bound: counts in le="0.5"
  histogram.observe(0.75);
  histogram.observe(3);
  EXPECT_EQ(registry.render(),
            "# HELP latency_seconds Latency\n"
            "# TYPE latency_seconds histogram\n"
            "latency_seconds_bucket{le=\"0.5\"} 2\n"
            "latency_seconds_bucket{le=\"1\"} 3\n"
            "latency_seconds_bucket{le=\"2.5\"} 3\n"
            "latency_seconds_bucket{le=\"+Inf\"} 4\n"
            "latency_seconds_sum 4.5\n"
            "latency_seconds_count 4\n");
}

TEST(PrometheusRegistry, HistogramLabelsComeBeforeLe) {
  PrometheusRegistry registry;
  registry.histogram("latency_seconds", "Latency", {1}, {{"route", "/x"}}).observe(2);
  const auto text = registry.render();
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/x\",le=\"1\"} 0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_sum{route=\"/x\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_count{route=\"/x\"} 1\n"), std::string::npos) << text;
}

// Client libraries write bounds in their shortest form ("0.1"); "0.10000000000000001" is a different le label.
TEST(PrometheusRegistry, BucketBoundsRenderInShortestForm) {
  PrometheusRegistry registry;
  registry.histogram("latency_seconds", "Latency", {0.001, 0.1});
  const auto text = registry.render();
  EXPECT_NE(text.find("le=\"0.001\""), std::string::npos) << text;
  EXPECT_NE(text.find("le=\"0.1\""), std::string::npos) << text;
}

// The text format requires '\' and newline in HELP to be escaped as \\ and \n.
TEST(PrometheusRegistry, EscapesBackslashAndNewlineInHelp) {
  PrometheusRegistry registry;
  registry.counter("odd_total", "line one\nline two \\ end");
  EXPECT_EQ(registry.render(),
            "# HELP odd_total line one\\nline two \\\\ end\n# TYPE odd_total counter\nodd_total 0\n");
}

TEST(PrometheusRegistry, FamiliesAreSortedByName) {
  PrometheusRegistry registry;
  registry.counter("b_total", "B");
  registry.counter("a_total", "A");
  const auto text = registry.render();
  EXPECT_LT(text.find("a_total"), text.find("b_total"));
}

TEST(PrometheusRegistry, SameNameAndLabelsReturnTheSameInstrument) {
  PrometheusRegistry registry;
  auto& first = registry.counter("x_total", "X", {{"a", "1"}});
  auto& second = registry.counter("x_total", "X", {{"a", "1"}});
  EXPECT_EQ(&first, &second);
  EXPECT_EQ(&registry.gauge("g", "G"), &registry.gauge("g", "G"));
  EXPECT_EQ(&registry.histogram("h", "H", {1}), &registry.histogram("h", "H", {1}));
}

TEST(PrometheusRegistry, DifferentLabelsReturnDifferentInstruments) {
  PrometheusRegistry registry;
  EXPECT_NE(&registry.counter("x_total", "X", {{"a", "1"}}), &registry.counter("x_total", "X", {{"a", "2"}}));
}

TEST(PrometheusRegistry, ReusingANameWithAnotherTypeThrows) {
  PrometheusRegistry registry;
  registry.counter("x_total", "X");
  EXPECT_THROW(registry.gauge("x_total", "X"), std::invalid_argument);
  EXPECT_THROW(registry.histogram("x_total", "X", {1}), std::invalid_argument);
}

TEST(PrometheusRegistry, MalformedMetricNamesThrow) {
  PrometheusRegistry registry;
  EXPECT_THROW(registry.counter("", "X"), std::invalid_argument);
  EXPECT_THROW(registry.counter("1abc", "X"), std::invalid_argument);
  EXPECT_THROW(registry.counter("a-b", "X"), std::invalid_argument);
  EXPECT_THROW(registry.counter("a b", "X"), std::invalid_argument);
}

TEST(PrometheusRegistry, MalformedLabelNamesThrow) {
  PrometheusRegistry registry;
  EXPECT_THROW(registry.counter("x_total", "X", {{"bad-label", "1"}}), std::invalid_argument);
}

TEST(PrometheusRegistry, HistogramBucketsMustIncrease) {
  PrometheusRegistry registry;
  EXPECT_THROW(registry.histogram("h", "H", {1, 1}), std::invalid_argument);
  EXPECT_THROW(registry.histogram("h2", "H", {2, 1}), std::invalid_argument);
}

TEST(RenderLabels, EmptyLabelSetRendersNothing) { EXPECT_EQ(renderLabels({}), ""); }

TEST(Histogram, CountsEachObservationInItsBucket) {
  Histogram histogram({1, 2});
  histogram.observe(0.5);
  histogram.observe(1.5);
  histogram.observe(1.5);
  histogram.observe(9);
  EXPECT_EQ(histogram.bucketCount(0), 1u);
  EXPECT_EQ(histogram.bucketCount(1), 2u);
  EXPECT_EQ(histogram.bucketCount(2), 1u);
  EXPECT_EQ(histogram.count(), 4u);
  EXPECT_DOUBLE_EQ(histogram.sum(), 12.5);
}

TEST(Histogram, DefaultLatencyBucketsSpanOneMillisecondToTenSeconds) {
  const auto buckets = defaultLatencyBuckets();
  ASSERT_FALSE(buckets.empty());
  EXPECT_DOUBLE_EQ(buckets.front(), 0.001);
  EXPECT_DOUBLE_EQ(buckets.back(), 10);
}

}  // namespace
}  // namespace monti::obs
