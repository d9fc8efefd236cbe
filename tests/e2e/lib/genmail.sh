# genmail.sh - sourced by the classifier's tests: genmail DIR CLASS N SEED
# writes N distinct messages DIR/NNNNN.eml, CLASS spam or ham, made of
# random words (deterministic for a SEED) from a vocabulary of each
# class and one shared by both, so that classification is not trivial.

genmail() {
	mkdir -p "$1"
	awk -v dir="$1" -v cls="$2" -v n="$3" -v seed="$4" 'BEGIN {
		srand(seed)
		ns = split("viagra cheap pills lowest price order casino " \
		    "bonus winner pharmacy offer deal free credit loan " \
		    "discount replica watches click unsubscribe", sw, " ")
		nh = split("meeting agenda budget schedule review minutes " \
		    "project notes tuesday report release patch build " \
		    "kernel thanks question lunch draft invoice", hw, " ")
		nc = split("the and for you with this that your from have " \
		    "will today please more time new about team", cw, " ")
		for (i = 1; i <= n; i++) {
			f = sprintf("%s/%05d.eml", dir, i)
			if (cls == "spam") {
				from = "Deals <deals@offers" (i % 7) ".example>"
				host = "offers" (i % 7) ".example"
			} else {
				from = "Ann <ann@work" (i % 5) ".example>"
				host = "intranet" (i % 5) ".example"
			}
			subj = ""
			for (k = 0; k < 3; k++)
				subj = subj " " (cls == "spam" ? \
				    sw[int(rand() * ns) + 1] : \
				    hw[int(rand() * nh) + 1])
			printf "From: %s\nTo: user%d@example.org\n", from, \
			    i % 50 > f
			printf "Subject:%s\nMessage-ID: <%s.%d.%d@test>\n\n", \
			    subj, cls, seed, i > f
			body = ""
			for (k = 0; k < 60; k++) {
				r = rand()
				if (r < 0.45)
					w = cw[int(rand() * nc) + 1]
				else if (r < 0.85)
					w = cls == "spam" ? \
					    sw[int(rand() * ns) + 1] : \
					    hw[int(rand() * nh) + 1]
				else if (r < 0.93)
					w = cls == "spam" ? \
					    hw[int(rand() * nh) + 1] : \
					    sw[int(rand() * ns) + 1]
				else
					w = sprintf("w%s%d", cls, \
					    int(rand() * 5000))
				body = body w (k % 12 == 11 ? "\n" : " ")
			}
			printf "%s\nhttp://%s/%d\n", body, host, i > f
			close(f)
		}
	}'
}
