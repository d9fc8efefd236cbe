# redis.sh - sourced by tests and benchmarks that need a real
# redis-server: redis_start DIR [ARG...] starts one on 127.0.0.1 on a
# free port with DIR as its folder, no persistence, the ARGs (settings:
# --requirepass PW, --user ...) after those, and sets $redis_port and
# $redis_pid (returns 1 when it cannot); redis_stop stops it.  Callers
# set a trap that runs redis_stop.  (redis-cli ping answers, NOAUTH
# included, once the server listens.)

redis_start() {
	redis_pid=
	redis_port=
	_dir=$1
	shift
	for _try in 1 2 3 4 5; do
		redis_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
		redis-server --port "$redis_port" --bind 127.0.0.1 \
		    --dir "$_dir" --save '' --appendonly no --daemonize no \
		    --logfile "$_dir/redis.log" "$@" &
		redis_pid=$!
		_i=0
		while [ $_i -lt 50 ]; do
			redis-cli -p "$redis_port" ping >/dev/null 2>&1 && return 0
			kill -0 "$redis_pid" 2>/dev/null || break
			sleep 0.1
			_i=$((_i + 1))
		done
		redis_stop
	done
	return 1
}

redis_stop() {
	if [ -n "${redis_pid:-}" ]; then
		kill "$redis_pid" 2>/dev/null
		wait "$redis_pid" 2>/dev/null
	fi
	redis_pid=
}
