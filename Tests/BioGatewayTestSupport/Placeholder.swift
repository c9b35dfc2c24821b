enum _PlaceholderBioGatewayTestSupport {}
