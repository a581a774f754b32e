#!/usr/bin/env bash
# A player that completes play and then never reads (small receive buffer, so
# the server's writes stall at once) must not make onair's memory grow: its
# bounded queue (rtmp.player_queue_bytes, 1 MiB here) skips to the next
# keyframe, counted in /metrics, while another player keeps playing smoothly.
source "$(dirname "$0")/lib.sh"

source_flv
create_channel slow1
export ONAIR_RTMP_PLAYER_QUEUE_BYTES=1048576
export ONAIR_HLS_WINDOW_SEGMENTS=2   # the HLS window fills quickly: a flat RSS baseline
# ASan's quarantine keeps freed memory resident; keep it small so RSS means something.
(( IT_SLOW > 1 )) && export ASAN_OPTIONS="${ASAN_OPTIONS:-}:quarantine_size_mb=16"
start_onair
PLAY_URL=$(rtmp_base)/slow1
start_publisher pub "$(rtmp_base)/$CH_KEY"
wait_playable slow1 15
# Wait until the HLS window and its grace are full (media sequence >= 3).
hls_seq() { fetch "$(http_base)/live/slow1/src/index.m3u8" "$T/m" >/dev/null; grep -m1 '^#EXT-X-MEDIA-SEQUENCE:' "$T/m.body" | cut -d: -f2 | tr -d '\r'; }
seq_ge() { local s; s=$(hls_seq); [[ -n $s ]] && (( s >= $1 )); }
wait_until 30 "the HLS window to fill" seq_ge 3

DURATION=20
bg good python3 "$IT_DIR/rtmp_client.py" play --url "$PLAY_URL" --seconds $((DURATION + 8)) --timeout "$(scaled 10)"
GOOD=$BG_PID
wait_until "$(scaled 10)" "the good player" metric_is onair_rtmp_players 1
sleep 1
base_rss=$(rss_kb "$ONAIR_PID")
[[ $(metric onair_player_skips_total) == 0 ]] || fail "skips before the slow player: $(metric onair_player_skips_total)"

STALL_S=$DURATION
bg stall python3 "$IT_DIR/rtmp_client.py" stall --url "$PLAY_URL" --seconds "$STALL_S" --resume-seconds 5 --rcvbuf 4096 --timeout "$(scaled 10)"
STALL=$BG_PID
wait_until "$(scaled 10)" "the slow player to start playing" grep -q '"stalled": true' "$T/stall.out"
wait_until 5 "2 players" metric_is onair_rtmp_players 2
log "slow player connected and stopped reading; onair RSS baseline ${base_rss} kB"

# Problems are collected so that one run shows every symptom.
PROBLEMS=()
problem() { echo "[$IT_NAME +$(elapsed_s)s] PROBLEM: $*"; PROBLEMS+=("$*"); }

max_rss=$base_rss
skip_at=""
t0=$(now_ms)
end=$(( t0 + (STALL_S - 1) * 1000 ))
while (( $(now_ms) < end )); do
  alive "$ONAIR_PID" || fail "onair died"
  r=$(rss_kb "$ONAIR_PID"); (( r > max_rss )) && max_rss=$r
  if [[ -z $skip_at ]] && metric_ge onair_player_skips_total 1; then skip_at=$(( $(now_ms) - t0 )); fi
  sleep 0.5
done
skips=$(metric onair_player_skips_total)
dropped=$(metric onair_frames_dropped_total)
growth=$(( (max_rss - base_rss) / 1024 ))
log "while stalled ($((STALL_S - 1)) s): RSS ${base_rss} -> max ${max_rss} kB (+${growth} MiB), skips $skips (first after ${skip_at:-never} ms), frames dropped $dropped"
limit=16; (( IT_SLOW > 1 )) && limit=48
(( growth <= limit )) || problem "onair RSS grew by $growth MiB with one stalled player (limit $limit MiB)"
[[ -n $skip_at ]] && (( skips >= 1 )) ||
  problem "while the player was stalled, /metrics showed no skip (onair_player_skips_total=$skips) in $((STALL_S - 1)) s of a ~2.7 Mbps stream with a 1 MiB player queue"
(( dropped >= 1 )) || problem "while the player was stalled, onair_frames_dropped_total=$dropped"
[[ -n $(log_lines "slow player skipped to the next keyframe") ]] || problem "no 'slow player skipped' log line while the player was stalled"

# The slow player reads again: it must get media again, past a jump that lands on a keyframe.
wait_pid "$STALL" $(( 10 + 5 * IT_SLOW ))
[[ $STOP_RC -eq 0 ]] || fail "the slow player after resuming: exit $STOP_RC $(tail -1 "$T/stall.out") $(cat "$T/stall.err")"
R=$(tail -1 "$T/stall.out")
log "slow player after resuming: $R"
jumps=$(json_field "$R" video_jumps)
python3 -c 'import json,sys; j=json.loads(sys.argv[1]); sys.exit(0 if j and all(x["keyframe"] for x in j) else 1)' "$jumps" ||
  problem "after resuming, the slow player's video should jump forward onto a keyframe (a skip); jumps: $jumps"
skips=$(metric onair_player_skips_total)
dropped=$(metric onair_frames_dropped_total)
(( skips >= 1 && dropped >= 1 )) || problem "after the slow player resumed: onair_player_skips_total=$skips onair_frames_dropped_total=$dropped"
log "after resuming: skips $skips, frames dropped $dropped"

# The good player was not disturbed.
wait_pid "$GOOD" 30
[[ $STOP_RC -eq 0 ]] || fail "the good player failed: $(cat "$T/good.out" "$T/good.err")"
R=$(cat "$T/good.out")
media_ms=$(json_field "$R" media_ms)
gap=$(json_field "$R" max_video_gap_ms)
(( media_ms >= (DURATION + 8) * 900 )) || problem "good player got only $media_ms ms of media in $((DURATION + 8)) s"
(( gap <= 200 )) || problem "good player saw a $gap ms gap between video frames"
[[ $(json_field "$R" backward_video_ts) == 0 ]] || problem "good player saw timestamps going back"
ok "good player: $media_ms ms of media, $(json_field "$R" video_frames) video frames, largest gap $gap ms"
stop_pid "$PUB_PID" TERM 5
healthy || fail "onair unhealthy at the end"
stop_onair TERM
if (( ${#PROBLEMS[@]} )); then
  printf '  - %s\n' "${PROBLEMS[@]}"
  fail "${#PROBLEMS[@]} problem(s)"
fi
