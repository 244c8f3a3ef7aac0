// SlipstreamTLS: placeholder until its issue lands.
