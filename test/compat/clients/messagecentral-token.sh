curl --location 'https://cpaas.messagecentral.com/auth/v1/authentication/token?customerId=%3CCustomerId%3E&key=%3CBase64%20Encrypted%20password%3E&scope=NEW&country=91&email=test%40messagecentral.com' \
--header 'accept: */*'
