// SlipstreamHTTP2: placeholder until its issue lands.
