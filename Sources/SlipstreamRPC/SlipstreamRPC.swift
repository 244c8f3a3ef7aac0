// SlipstreamRPC: placeholder until its issue lands.
