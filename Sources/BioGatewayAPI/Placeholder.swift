enum _PlaceholderBioGatewayAPI {}
