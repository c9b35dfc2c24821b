enum _PlaceholderBioGatewaySimulator {}
