// SlipstreamDomain: placeholder until its issue lands.
