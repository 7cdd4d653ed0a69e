curl --location 'https://cpaas.messagecentral.com/verification/v3/validateOtp?&verificationId=2949&code=1476' \
--header 'authToken: eyJhbGciOiJIUzUxMiJ9.eyJzdWIiOiJDLTMzNDMyQTVGNDIGNzQwNCI6ImIhdCI6MTcxMjExOTA0MC'
