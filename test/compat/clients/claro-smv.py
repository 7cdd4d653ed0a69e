import requests, json
import base64
KEY="XXXXXXXXXXXXXXXXXXXXXXXXXXX"
SECRET="XXXXXXXXXX"
SENHA = base64.b64encode( (KEY + ':' + SECRET ).encode('ascii') ).decode('ascii')
GRANT_TYPE = "client_credentials";
URL = "https://api.claro.com.br";
END_POINT_ACCESS_TOKEN = "/oauth2/v1/token";
END_POINT_API_MOBILE = "/identity/v1/mobileidentities/smvs";
headers={'Content-Type':'application/x-www-form-urlencoded','cache-control':'no-cache','x-client-auth': 'Basic {}'.format(SENHA)}
data = {'grant_type': 'client_credentials'}
respToken = requests.post(URL + END_POINT_ACCESS_TOKEN , headers=headers , data= data)
if respToken.status_code != 200:
    print('Erro: ' + str( respToken.status_code))
else:
    token = json.loads( respToken.text)['access_token']
    headers_app = {'Content-Type': 'application/json', 'X-CustomerID': 'claro', 'cache-control':'no-cache', 'user-agent':'curl/7.60.0', 'x-client-auth': 'Bearer {}'.format(token)}
    msisdn = "XXXXXXXXXXXXX"
    ip= "XXX.XXX.XXX.XXX"
    port=XXX
    timestamp=XXXXXXXXXXX
    data_app = {"data": {"msisdn": msisdn,"ip": ip,"port": port,"timestamp": timestamp}}
    respMobile = requests.post(URL + END_POINT_API_MOBILE, headers=headers_app , data= json.dumps(data_app))
    if respMobile.status_code != 200:
        print('Erro: ' + str(respMobile.status_code))
    else:
        print('Mobile ' + str( respMobile.text ))
