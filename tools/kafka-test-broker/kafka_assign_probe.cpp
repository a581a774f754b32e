// SPDX-License-Identifier: Apache-2.0
// kafka-assign-probe: reads one partition the way onair's consumers do —
// a high-level consumer with a group id of its own, rd_kafka_assign() and no
// subscribe (no group join, no commits) — and prints each record as
// "OFFSET KEY VALUE TIMESTAMP_MS". tests/integration/kafka_broker_test.sh
// runs it against kafka-test-broker: kcat -C without -G uses librdkafka's
// legacy consumer (rd_kafka_consume_start), not rd_kafka_assign().
//
//   kafka-assign-probe [--no-group-id] BOOTSTRAP TOPIC PARTITION OFFSET|beginning COUNT
//
// Exits 0 once COUNT records are read, 1 on an error or after 10 s.
// --no-group-id leaves group.id unset (librdkafka then refuses the assign).
#include <librdkafka/rdkafka.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
    bool group_id = true;
    int a = 1;
    if (a < argc && std::strcmp(argv[a], "--no-group-id") == 0) {
        group_id = false;
        ++a;
    }
    if (argc - a != 5) {
        std::fprintf(stderr,
                     "usage: kafka-assign-probe [--no-group-id] BOOTSTRAP TOPIC PARTITION OFFSET|beginning COUNT\n");
        return 2;
    }
    const char* bootstrap = argv[a];
    const char* topic = argv[a + 1];
    const int partition = std::atoi(argv[a + 2]);
    const int64_t offset =
        std::strcmp(argv[a + 3], "beginning") == 0 ? RD_KAFKA_OFFSET_BEGINNING : std::atoll(argv[a + 3]);
    const int count = std::atoi(argv[a + 4]);

    char errstr[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    const std::string group = "kafka-assign-probe-" + std::to_string(::getpid());
    const std::pair<const char*, const char*> settings[] = {
        {"bootstrap.servers", bootstrap},
        {"group.id", group.c_str()},
        {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"},
        {"fetch.wait.max.ms", "10"},
    };
    for (const auto& [name, value] : settings) {
        if (!group_id && std::strcmp(name, "group.id") == 0) continue;
        if (rd_kafka_conf_set(conf, name, value, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
            std::fprintf(stderr, "kafka-assign-probe: %s\n", errstr);
            return 1;
        }
    }
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (!rk) {
        std::fprintf(stderr, "kafka-assign-probe: %s\n", errstr);
        return 1;
    }
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t* list = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(list, topic, partition)->offset = offset;
    const rd_kafka_resp_err_t assigned = rd_kafka_assign(rk, list);
    rd_kafka_topic_partition_list_destroy(list);

    int read = 0;
    int rc = 1;
    if (assigned) {
        std::fprintf(stderr, "kafka-assign-probe: rd_kafka_assign: %s\n", rd_kafka_err2name(assigned));
    } else {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (read < count && std::chrono::steady_clock::now() < deadline) {
            rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 100);
            if (!m) continue;
            if (m->err) {
                std::fprintf(stderr, "kafka-assign-probe: %s\n", rd_kafka_message_errstr(m));
            } else {
                std::printf("%lld %.*s %.*s %lld\n", static_cast<long long>(m->offset), static_cast<int>(m->key_len),
                            static_cast<const char*>(m->key), static_cast<int>(m->len),
                            static_cast<const char*>(m->payload),
                            static_cast<long long>(rd_kafka_message_timestamp(m, nullptr)));
                ++read;
            }
            rd_kafka_message_destroy(m);
        }
        rc = read == count ? 0 : 1;
        if (rc) std::fprintf(stderr, "kafka-assign-probe: read %d of %d records in 10 s\n", read, count);
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return rc;
}
