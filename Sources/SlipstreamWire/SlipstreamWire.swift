// SlipstreamWire: placeholder until its issue lands.
