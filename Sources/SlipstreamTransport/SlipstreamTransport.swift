// SlipstreamTransport: placeholder until its issue lands.
