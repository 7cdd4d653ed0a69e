#!/bin/bash
url_mobile=https://api.claro.com.br/identity/v1/mobileidentities/smvs
url_token=https://api.claro.com.br/oauth2/v1/token
msisdn="XXXXXXXXXXXXX"
ip="XXX.XXX.XXX.XXX"
port=XXX
timestamp=XXXXXXXXXXX
key=XXXXXXXXXXXXXXXXXXXXXXXXXXXX
secret=XXXXXXXXXXXXX
senha=$( echo -n $key:$secret | base64)
curl -X POST $url_token -H 'Content-Type: application/x-www-form-urlencoded' -H 'cache-control: no-cache' -d 'grant_type=client_credentials' -H "x-client-auth: Basic $senha" > json
grep 'access_token' json > atributoJson
token=$(cut -d'"' -f36 atributoJson )
echo $token
curl -X POST $url_mobile -H 'Content-Type: application/json' -H 'cache-control: no-cache' -H "x-client-auth: Bearer $token" -H "X-CustomerID: claro" -d '{"data": {"msisdn": "'$msisdn'","ip": "'$ip'","port": '$port',"timestamp": '$timestamp'}}'
