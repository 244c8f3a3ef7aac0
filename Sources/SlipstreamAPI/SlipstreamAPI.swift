// SlipstreamAPI: placeholder until its issue lands.
