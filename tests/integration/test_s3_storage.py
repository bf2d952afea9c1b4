import boto3
import pytest
from django.core.files.storage import storages

from applications.services import material_upload
from tests.factories import application_with_materials, jpeg_file

pytestmark = pytest.mark.django_db
BUCKET = "baiyun-private"


@pytest.fixture
def s3_storage(settings, s3_endpoint):
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "access_key": "test",
                "secret_key": "test",
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    return client


def test_materials_are_stored_privately_in_s3_under_random_names(s3_storage):
    application = application_with_materials(route="gold")
    material = material_upload(
        application_id=application.pk,
        actor=application.applicant,
        item="degree_certificates",
        file=jpeg_file("张三 学位证 (扫描).jpg"),
        scan_of="original",
    )
    key = material.file.name
    assert key.startswith(f"materials/{application.pk}/")
    assert "张三" not in key
    listed = [item["Key"] for item in s3_storage.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert key in listed
    grants = s3_storage.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert "URI" not in grants[0]["Grantee"]
    stored = s3_storage.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    with storages["default"].open(key) as handle:
        assert handle.read() == stored
    assert len(stored) == material.size
