// SPDX-License-Identifier: Apache-2.0
// kafka-test-broker: a Kafka-protocol broker for onair's tests.
//
// Debian ships no Kafka. librdkafka (Debian's librdkafka-dev) carries a mock
// cluster (rdkafka_mock.h) that speaks the real protocol on loopback: real
// clients — onair, kcat — produce to it and consume from it unchanged. This
// tool runs one as its own process, creates the topics (clients cannot on the
// mock), writes the bootstrap address to a file and runs until SIGTERM.
// SIGUSR1 takes every broker down (connections dropped, new ones refused),
// SIGUSR2 brings them back; the data is kept: an outage, for tests.
//
// Limits of the mock in librdkafka 2.0.2, measured: each partition keeps only
// its newest ~5 MiB; a batch of ~2.5 MiB or more becomes unreadable; a fetch
// on an empty partition waits the full fetch.wait.max.ms (use ~10 ms in
// tests); group joins and leaves take session.timeout.ms minus 1 s (use
// ~6 s on every member); clients cannot create topics (CreateTopics is not
// served: create them here), but a Metadata request that allows
// auto-creation (any producer's, kcat's) creates an unknown topic with 4
// partitions; ListOffsets by timestamp (offsets_for_times, kcat -o s@T) is
// not implemented: it answers offset -1 without an error for every time,
// which a client takes as "no record at or after T".
// tests/integration/kafka_broker_test.sh probes these answers.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

void Usage(FILE* out) {
    std::fprintf(out,
                 "usage: kafka-test-broker [--brokers N] [--topic NAME:PARTITIONS]... [--bootstrap-file FILE]\n"
                 "\n"
                 "A Kafka-protocol broker for tests: librdkafka's mock cluster of N brokers (default 1) on\n"
                 "127.0.0.1, random ports. Creates each --topic (clients cannot). Prints the bootstrap address\n"
                 "list on stdout and writes it to FILE (via FILE.tmp and a rename). Runs until SIGTERM/SIGINT.\n"
                 "SIGUSR1: every broker goes down (an outage); SIGUSR2: they come back. The data is kept.\n"
                 "Each transition is logged to stderr with a Unix timestamp.\n"
                 "\n"
                 "Limits of the mock (librdkafka 2.0.2):\n"
                 "  - each partition keeps only its newest ~5 MiB; a batch of ~2.5 MiB or more is unreadable;\n"
                 "  - a fetch on an empty partition waits the full fetch.wait.max.ms (use ~10 ms);\n"
                 "  - group joins/leaves take session.timeout.ms - 1 s (use ~6 s on every member);\n"
                 "  - clients cannot create topics (no CreateTopics), but a producer's Metadata request\n"
                 "    auto-creates an unknown topic with 4 partitions;\n"
                 "  - ListOffsets by timestamp (offsets_for_times, kcat -o s@T) answers offset -1 with no\n"
                 "    error for every time: no by-time lookup.\n");
}

void Stamp(const char* what) {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    std::fprintf(stderr, "kafka-test-broker %lld.%03ld %s\n", static_cast<long long>(ts.tv_sec), ts.tv_nsec / 1000000,
                 what);
}

}  // namespace

int main(int argc, char** argv) {
    int brokers = 1;
    std::vector<std::pair<std::string, int>> topics;
    std::string bootstrap_file;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "kafka-test-broker: %s needs a value\n", a.c_str());
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--help" || a == "-h") {
            Usage(stdout);
            return 0;
        } else if (a == "--brokers") {
            brokers = std::atoi(value().c_str());
        } else if (a == "--topic") {
            const std::string t = value();
            const auto colon = t.rfind(':');
            const int partitions = colon == std::string::npos ? 1 : std::atoi(t.c_str() + colon + 1);
            if (colon == 0 || partitions < 1 || partitions > 1000) {
                std::fprintf(stderr, "kafka-test-broker: bad --topic %s (NAME:PARTITIONS)\n", t.c_str());
                return 2;
            }
            topics.emplace_back(t.substr(0, colon), partitions);
        } else if (a == "--bootstrap-file") {
            bootstrap_file = value();
        } else {
            Usage(stderr);
            return 2;
        }
    }
    if (brokers < 1 || brokers > 16) {
        std::fprintf(stderr, "kafka-test-broker: --brokers must be 1..16\n");
        return 2;
    }

    // Signals are taken synchronously (sigwait) on this thread, which also
    // makes every mock call: no work in a signal handler.
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGTERM, SIGINT, SIGUSR1, SIGUSR2}) sigaddset(&set, s);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);

    char errstr[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    // The mock cluster needs a client handle to live in; this one never
    // connects (log_level 4: not its notice that it has no bootstrap.servers).
    if (rd_kafka_conf_set(conf, "log_level", "4", errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        std::fprintf(stderr, "kafka-test-broker: %s\n", errstr);
        return 1;
    }
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
        std::fprintf(stderr, "kafka-test-broker: %s\n", errstr);
        return 1;
    }
    rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(rk, brokers);
    if (!cluster) {
        std::fprintf(stderr, "kafka-test-broker: cannot create the mock cluster\n");
        return 1;
    }
    for (const auto& [name, partitions] : topics) {
        const auto err = rd_kafka_mock_topic_create(cluster, name.c_str(), partitions, brokers < 3 ? brokers : 3);
        if (err) {
            std::fprintf(stderr, "kafka-test-broker: topic %s: %s\n", name.c_str(), rd_kafka_err2str(err));
            return 1;
        }
    }
    const std::string bootstrap = rd_kafka_mock_cluster_bootstraps(cluster);
    if (!bootstrap_file.empty()) {
        const std::string tmp = bootstrap_file + ".tmp";
        {
            std::ofstream f(tmp, std::ios::trunc);
            f << bootstrap << "\n";
            if (!f) {
                std::fprintf(stderr, "kafka-test-broker: cannot write %s\n", tmp.c_str());
                return 1;
            }
        }
        if (std::rename(tmp.c_str(), bootstrap_file.c_str()) != 0) {
            std::perror("kafka-test-broker: rename");
            return 1;
        }
    }
    std::printf("%s\n", bootstrap.c_str());
    std::fflush(stdout);
    Stamp(("up at " + bootstrap).c_str());

    for (;;) {
        int sig = 0;
        if (sigwait(&set, &sig) != 0) continue;
        if (sig == SIGUSR1 || sig == SIGUSR2) {
            for (int id = 1; id <= brokers; ++id) {
                if (sig == SIGUSR1) {
                    rd_kafka_mock_broker_set_down(cluster, id);
                } else {
                    rd_kafka_mock_broker_set_up(cluster, id);
                }
            }
            Stamp(sig == SIGUSR1 ? "brokers down" : "brokers up");
            continue;
        }
        break;
    }
    Stamp("stopping");
    rd_kafka_mock_cluster_destroy(cluster);
    rd_kafka_destroy(rk);
    return 0;
}
